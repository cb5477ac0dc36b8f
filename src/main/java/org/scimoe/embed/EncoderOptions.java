package org.scimoe.embed;

import org.scimoe.runtime.DeviceRequest;

/**
 * How an encoder runs.
 *
 * @param device          cpu, cuda[:N] or auto
 * @param intraOpThreads  ONNX Runtime threads per inference (0: all cores)
 * @param tokenBudget     most padded tokens in one batch (rows x longest row), bounds memory
 * @param maxBatchSize    most texts in one batch
 * @param sortByLength    sort texts by length before batching so that padding stays small
 * @param verifyChecksum  hash the ONNX graph at load and refuse a damaged one
 * @param spinning        let ONNX Runtime's idle intra-op threads spin for the next task (its default: fastest for one
 *                        job alone on the machine; a server whose cores also serve HTTP and search turns it off)
 */
public record EncoderOptions(
        DeviceRequest device, int intraOpThreads, int tokenBudget, int maxBatchSize, boolean sortByLength, boolean verifyChecksum,
        boolean spinning) {

    // Small batches: on 2 CPU cores about 8 abstracts per batch was fastest (BENCHMARKS.md).
    public static final EncoderOptions DEFAULTS = new EncoderOptions(DeviceRequest.AUTO, 0, 2048, 32, true, true, true);

    public EncoderOptions {
        if (tokenBudget < 1 || maxBatchSize < 1 || intraOpThreads < 0) {
            throw new IllegalArgumentException("tokenBudget and maxBatchSize must be >= 1, intraOpThreads >= 0");
        }
    }

    public EncoderOptions withDevice(DeviceRequest value) {
        return new EncoderOptions(value, intraOpThreads, tokenBudget, maxBatchSize, sortByLength, verifyChecksum, spinning);
    }

    public EncoderOptions withThreads(int value) {
        return new EncoderOptions(device, value, tokenBudget, maxBatchSize, sortByLength, verifyChecksum, spinning);
    }

    public EncoderOptions withBatching(int budget, int batchSize, boolean sort) {
        return new EncoderOptions(device, intraOpThreads, budget, batchSize, sort, verifyChecksum, spinning);
    }

    public EncoderOptions withSpinning(boolean value) {
        return new EncoderOptions(device, intraOpThreads, tokenBudget, maxBatchSize, sortByLength, verifyChecksum, value);
    }
}
