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
import org.scimoe.elasticsearch.action.NodesModelsAction;
import org.scimoe.elasticsearch.action.TransportEmbedAction;
import org.scimoe.elasticsearch.action.TransportNodesModelsAction;
import org.scimoe.elasticsearch.ingest.EmbedProcessor;
import org.scimoe.elasticsearch.ingest.EmbedProcessorFactory;
import org.scimoe.elasticsearch.model.EmbeddingService;
import org.scimoe.elasticsearch.model.InferencePool;
import org.scimoe.elasticsearch.model.ModelRegistry;
import org.scimoe.elasticsearch.rest.RestEmbedAction;
import org.scimoe.elasticsearch.rest.RestModelsAction;
import org.scimoe.elasticsearch.rest.RestNodesModelsAction;
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
        this.settings = settings;
        ModelRegistry registry = new ModelRegistry(modelRoots(settings, configPath), ScimoeSettings.encoderOptions(settings));
        this.service = new EmbeddingService(registry, ScimoeSettings.QUERY_CACHE_SIZE.get(settings), ScimoeSettings.MAX_BATCH.get(settings),
                ScimoeSettings.POOL_SIZE.get(settings), InferencePool.hasQueryPool(settings));
    }

    static List<Path> modelRoots(Settings settings, Path configPath) {
        List<Path> roots = new ArrayList<>();
        Path pluginDir = pluginDirectory();
        if (pluginDir != null) {
            roots.add(pluginDir.resolve("models"));
        }
        if (configPath != null) {
            roots.add(configPath.resolve("scimoe").resolve("models"));
        }
        for (String dir : ScimoeSettings.MODEL_DIRS.get(settings)) {
            roots.add(Path.of(dir));
        }
        return roots;
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
        return List.of(new QueryVectorBuilderSpec<>(ScimoeQueryVectorBuilder.NAME, ScimoeQueryVectorBuilder::new,
                ScimoeQueryVectorBuilder::fromXContent));
    }

    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return List.of(EngineAnalyzer.factory());
    }

    @Override
    public List<RetrieverSpec<?>> getRetrievers() {
        return List.of(new RetrieverSpec<>(HybridRetrieverBuilder.NAME, HybridRetrieverParser::fromXContent));
    }

    @Override
    public Collection<ActionHandler> getActions() {
        return List.of(new ActionHandler(EmbedAction.INSTANCE, TransportEmbedAction.class),
                new ActionHandler(NodesModelsAction.INSTANCE, TransportNodesModelsAction.class));
    }

    @Override
    public Collection<RestHandler> getRestHandlers(RestHandlersServices restHandlersServices, Supplier<DiscoveryNodes> nodesInCluster,
                                                   Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new RestModelsAction(service), new RestNodesModelsAction(), new RestEmbedAction());
    }

    @Override
    public void close() {
        service.close();
    }
}
