package org.scimoe.elasticsearch.model;

import java.util.function.Supplier;

/**
 * Runs native-library code with the thread's context class loader set to the plugin's own loader.
 * DJL finds its tokenizer resources through the context class loader; on an Elasticsearch thread that
 * loader is the server's, and DJL then fails with "No tokenizers version found in property file" and
 * stays broken for the life of the JVM.
 */
final class PluginClassLoaderScope {
    private PluginClassLoaderScope() {}

    static <T> T call(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(PluginClassLoaderScope.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
