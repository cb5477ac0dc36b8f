package org.scimoe.elasticsearch.ingest;

import java.util.List;

/**
 * A {@code scimoe_embed} processor's options.
 *
 * @param fields        the text field(s); several are joined as sentences
 * @param targetField   where the vector goes (a dense_vector field of the bundle's dimensions)
 * @param model         the bundle's name (null: the default bundle)
 * @param domain        a fixed domain for domain-routed bundles, or null
 * @param domainField   a document field holding the domain, or null (exclusive with domain)
 * @param ignoreMissing pass documents without any text field through unchanged
 * @param routingField  where to store how the text was routed (domain, expert, gate weights), or null
 */
record EmbedProcessorConfig(List<String> fields, String targetField, String model, String domain, String domainField,
                            boolean ignoreMissing, String routingField) {}
