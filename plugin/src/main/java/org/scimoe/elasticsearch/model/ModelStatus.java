package org.scimoe.elasticsearch.model;

import org.scimoe.bundle.BundleManifest;
import org.scimoe.embed.EncoderStats;

/**
 * What the node knows about one bundle: where it comes from, its manifest, and its state:
 * {@code validating} (the start-up check is still running), {@code ready} (checked: checksum, graph and
 * contract are sound; not loaded yet), {@code loaded}, or {@code failed} with the reason. Messages carry
 * no absolute paths. {@code manifest} is null for a directory whose manifest could not be read.
 *
 * @param source        the label of the folder the bundle comes from
 * @param overrides     the label of the built-in bundle it overrides, or null
 * @param reloadFailure why the last reload failed while this (older) version kept serving, or null
 */
public record ModelStatus(String name, String source, String overrides, BundleManifest manifest, State state, String failure,
                          String reloadFailure, String device, EncoderStats stats) {
    public enum State { VALIDATING, READY, LOADED, FAILED }
}
