package org.scimoe.training.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order, as ONNX stores initializers. The unit the trainer and
 * the exporter exchange weights in (MiniLM's MatMul weights are stored {@code [in, out]}).
 */
public record FloatTensor(long[] shape, float[] values) {

    public FloatTensor {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size + " values, got " + values.length);
        }
    }

    public static FloatTensor zeros(long... shape) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        return new FloatTensor(shape, new float[Math.toIntExact(size)]);
    }

    /** Reads a float initializer whether it keeps its values in raw_data or in float_data. */
    public static FloatTensor fromProto(TensorProto proto) {
        if (proto.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("initializer '" + proto.getName() + "' is not float32 (ONNX data type "
                    + proto.getDataType() + "); export needs an fp32 base graph");
        }
        long[] shape = proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
        float[] values;
        if (!proto.getRawData().isEmpty()) {
            FloatBuffer buffer = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            values = new float[buffer.remaining()];
            buffer.get(values);
        } else {
            values = new float[proto.getFloatDataCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = proto.getFloatData(i);
            }
        }
        return new FloatTensor(shape, values);
    }

    public TensorProto toProto(String name) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        TensorProto.Builder builder = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : shape) {
            builder.addDims(d);
        }
        return builder.build();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    /** Stacks equally shaped tensors along a new first axis: E tensors of shape S give [E, S...]. */
    public static FloatTensor stack(java.util.List<FloatTensor> parts) {
        long[] first = parts.get(0).shape();
        long[] shape = new long[first.length + 1];
        shape[0] = parts.size();
        System.arraycopy(first, 0, shape, 1, first.length);
        int each = parts.get(0).values().length;
        float[] values = new float[each * parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            FloatTensor part = parts.get(i);
            if (!Arrays.equals(part.shape(), first)) {
                throw new IllegalArgumentException("cannot stack shapes " + Arrays.toString(first) + " and " + Arrays.toString(part.shape()));
            }
            System.arraycopy(part.values(), 0, values, i * each, each);
        }
        return new FloatTensor(shape, values);
    }

    /** Concatenates [rows, c_i] matrices along their columns. */
    public static FloatTensor concatColumns(java.util.List<FloatTensor> parts) {
        long rows = parts.get(0).dim(0);
        long cols = 0;
        for (FloatTensor p : parts) {
            if (p.rank() != 2 || p.dim(0) != rows) {
                throw new IllegalArgumentException("concatColumns needs [" + rows + ", c] matrices, got " + Arrays.toString(p.shape()));
            }
            cols += p.dim(1);
        }
        float[] values = new float[Math.toIntExact(rows * cols)];
        int offset = 0;
        for (FloatTensor p : parts) {
            int c = (int) p.dim(1);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(p.values(), r * c, values, (int) (r * cols) + offset, c);
            }
            offset += c;
        }
        return new FloatTensor(new long[] {rows, cols}, values);
    }

    /** Concatenates vectors end to end. */
    public static FloatTensor concat(java.util.List<FloatTensor> parts) {
        int size = parts.stream().mapToInt(p -> p.values().length).sum();
        float[] values = new float[size];
        int offset = 0;
        for (FloatTensor p : parts) {
            System.arraycopy(p.values(), 0, values, offset, p.values().length);
            offset += p.values().length;
        }
        return new FloatTensor(new long[] {size}, values);
    }

    public FloatTensor reshape(long... newShape) {
        return new FloatTensor(newShape, values);
    }

    public FloatTensor copy() {
        return new FloatTensor(shape.clone(), values.clone());
    }
}
