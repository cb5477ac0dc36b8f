/**
 * The trainable encoders, on DJL's PyTorch engine: a BERT written on NDArrays whose weights are read
 * from (and written back to) the base bundle's ONNX graph ({@link org.scimoe.training.model.EncoderWeights}),
 * mean pooling, and the MoE variants of {@link org.scimoe.training.model.ModelSpec} — shared, domain
 * experts in chosen layers, an SB-MoE block after pooling. {@link org.scimoe.training.model.MoeEncoder}
 * is the model; {@link org.scimoe.training.model.ModelExport} turns a trained one into a bundle.
 *
 * <p>Memory: every pass runs in a {@link org.scimoe.training.model.ParameterStore#scope()}, which
 * frees its temporaries on close. For long runs set {@code MALLOC_MMAP_THRESHOLD_=131072}: with
 * glibc's adaptive threshold the resident size of a training process creeps up by megabytes per step
 * (allocator fragmentation, not a leak: the DJL resource count stays constant).
 */
package org.scimoe.training.model;
