package org.scimoe.elasticsearch;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.IngestPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.SearchPlugin;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.scimoe.elasticsearch.action.EmbedAction;
import org.scimoe.elasticsearch.action.ModelsReloadAction;
import org.scimoe.elasticsearch.action.NodesModelsAction;
import org.scimoe.elasticsearch.action.TransportEmbedAction;
import org.scimoe.elasticsearch.action.TransportModelsReloadAction;
import org.scimoe.elasticsearch.action.TransportNodesModelsAction;
import org.scimoe.elasticsearch.ingest.EmbedProcessor;
import org.scimoe.elasticsearch.ingest.EmbedProcessorFactory;
import org.scimoe.elasticsearch.model.BundleSources;
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.elasticsearch.model.InferencePool;
import org.scimoe.elasticsearch.model.ModelRegistry;
import org.scimoe.elasticsearch.model.ModelSource;
import org.scimoe.elasticsearch.rest.RestEmbedAction;
import org.scimoe.elasticsearch.rest.RestModelsAction;
import org.scimoe.elasticsearch.rest.RestNodesModelsAction;
import org.scimoe.elasticsearch.rest.RestReloadModelAction;
import org.scimoe.elasticsearch.search.EngineAnalyzer;
import org.scimoe.elasticsearch.search.HybridRetrieverBuilder;
import org.scimoe.elasticsearch.search.HybridRetrieverParser;
import org.scimoe.elasticsearch.search.ScimoeQueryVectorBuilder;

/**
 * The SciMoE plugin: the {@code scimoe_embed} ingest processor, the {@code scimoe} query vector
 * builder, and {@code _scimoe/models} / {@code _scimoe/_embed}. Model bundles come from the plugin's
 * own {@code models/} folder, the node's {@code config/scimoe/models/} and {@code scimoe.models.dirs}.
 */
public class ScimoePlugin extends Plugin implements IngestPlugin, SearchPlugin, ActionPlugin, AnalysisPlugin {
    private final Settings settings;
    private final EmbeddingService service;

    public ScimoePlugin(Settings settings, Path configPath) {
        this(settings, configPath, builtInModels());
    }

    /** @param builtInModels the folder of the bundles that ship with the plugin (tests give their own), or null */
    protected ScimoePlugin(Settings settings, Path configPath, Path builtInModels) {
        this.settings = settings;
        ModelRegistry registry = new ModelRegistry(new BundleSources(modelSources(settings, configPath, builtInModels)),
                ScimoeSettings.encoderOptions(settings), ScimoeSettings.QUERY_INFERENCE_THREADS.get(settings));
        this.service = new EmbeddingService(registry, settings);
    }

    /** Built-in bundles first; the operator's folders (config, then scimoe.models.dirs) override them. */
    static List<ModelSource> modelSources(Settings settings, Path configPath, Path builtInModels) {
        List<ModelSource> sources = new ArrayList<>();
        if (builtInModels != null) {
            sources.add(ModelSource.builtIn(builtInModels));
        }
        if (configPath != null) {
            sources.add(ModelSource.operator("config/scimoe/models", configPath.resolve("scimoe").resolve("models")));
        }
        List<String> dirs = ScimoeSettings.MODEL_DIRS.get(settings);
        for (int i = 0; i < dirs.size(); i++) {
            sources.add(ModelSource.operator(ScimoeSettings.MODEL_DIRS.getKey() + "[" + i + "]", Path.of(dirs.get(i))));
        }
        return sources;
    }

    private static Path builtInModels() {
        Path pluginDir = pluginDirectory();
        return pluginDir == null ? null : pluginDir.resolve("models");
    }

    /** The folder the plugin was installed in (the one holding its jar). */
    private static Path pluginDirectory() {
        try {
            Path code = Path.of(ScimoePlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public Collection<?> createComponents(PluginServices services) {
        service.bind(services.threadPool());
        // The start-up check opens every bundle (about a second each): on the generic pool, not on the
        // thread that starts the node, and never on a cluster-state or transport thread.
        services.threadPool().generic().execute(service.registry()::validateAll);
        return List.of(service);
    }

    @Override
    public List<Setting<?>> getSettings() {
        return ScimoeSettings.all();
    }

    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings nodeSettings) {
        return InferencePool.builders(nodeSettings);
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        return Map.of(EmbedProcessor.TYPE, new EmbedProcessorFactory(service));
    }

    @Override
    public List<QueryVectorBuilderSpec<?>> getQueryVectorBuilders() {
        // Builders parsed or read on this node embed with this node's service (see ScimoeQueryVectorBuilder).
        return List.of(new QueryVectorBuilderSpec<>(ScimoeQueryVectorBuilder.NAME, in -> new ScimoeQueryVectorBuilder(in, service),
                (parser, context) -> ScimoeQueryVectorBuilder.fromXContent(parser, service)));
    }

    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return List.of(EngineAnalyzer.factory());
    }

    @Override
    public List<RetrieverSpec<?>> getRetrievers() {
        return List.of(new RetrieverSpec<>(HybridRetrieverBuilder.NAME,
                (parser, context) -> HybridRetrieverParser.fromXContent(parser, context, service)));
    }

    @Override
    public Collection<ActionHandler> getActions() {
        return List.of(new ActionHandler(EmbedAction.INSTANCE, TransportEmbedAction.class),
                new ActionHandler(NodesModelsAction.INSTANCE, TransportNodesModelsAction.class),
                new ActionHandler(ModelsReloadAction.INSTANCE, TransportModelsReloadAction.class));
    }

    @Override
    public Collection<RestHandler> getRestHandlers(RestHandlersServices restHandlersServices, Supplier<DiscoveryNodes> nodesInCluster,
                                                   Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new RestModelsAction(), new RestNodesModelsAction(), new RestEmbedAction(), new RestReloadModelAction());
    }

    @Override
    public void close() {
        service.close();
    }
}
