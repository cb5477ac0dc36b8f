package org.scimoe.training.model;

import ai.djl.ndarray.NDArray;

/** The expert id of each row of a batch, both as Java values (to spot a one-domain batch) and as an int64 array. */
record DomainIds(long[] values, NDArray array) {

    /** The id every row shares, or -1 when the batch mixes domains. */
    long uniform() {
        for (long v : values) {
            if (v != values[0]) {
                return -1;
            }
        }
        return values.length == 0 ? -1 : values[0];
    }
}
