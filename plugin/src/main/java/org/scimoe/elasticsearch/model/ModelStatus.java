package org.scimoe.elasticsearch.model;

import org.scimoe.bundle.BundleManifest;
import org.scimoe.embed.EncoderStats;

/**
 * What the node knows about one bundle: its manifest, and whether its encoder is loaded, failed to
 * load (with the reason), or has not been asked for yet. {@code manifest} is null for a directory
 * whose manifest could not be read.
 */
public record ModelStatus(String name, String directory, BundleManifest manifest, State state, String failure, String device,
                          EncoderStats stats) {
    public enum State { NOT_LOADED, LOADED, FAILED }
}
