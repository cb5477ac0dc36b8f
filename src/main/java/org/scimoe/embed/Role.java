package org.scimoe.embed;

/** Whether a text is a search query or a document; bundles may prefix the two differently. */
public enum Role { QUERY, DOCUMENT }
