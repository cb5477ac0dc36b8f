package org.scimoe.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes tiny ONNX graphs (protobuf by hand, field numbers from onnx.proto) with the signatures a
 * user's export might have, so signature checks run on real graphs ONNX Runtime opens.
 */
final class TinyOnnx {
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();

    /** A graph input or output; a dimension is a number or a symbolic name. */
    TinyOnnx input(String name, int elemType, Object... dims) {
        inputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    TinyOnnx output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    /** A node; {@code intAttrs} are name/value pairs, a long[] value is an INTS attribute. */
    TinyOnnx node(String op, String input, String output, Object... intAttrs) {
        Proto n = new Proto().string(1, input).string(2, output).string(4, op);
        for (int i = 0; i < intAttrs.length; i += 2) {
            Proto a = new Proto().string(1, (String) intAttrs[i]);
            if (intAttrs[i + 1] instanceof long[] values) {
                for (long v : values) {
                    a.varint(8, v);
                }
                a.varint(20, 7);
            } else {
                a.varint(3, ((Number) intAttrs[i + 1]).longValue()).varint(20, 2);
            }
            n.message(5, a.bytes());
        }
        nodes.add(n.bytes());
        return this;
    }

    Path write(Path file) throws IOException {
        Proto graph = new Proto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, "tiny");
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        Proto model = new Proto().varint(1, 7).message(8, new Proto().string(1, "").varint(2, 11).bytes()).message(7, graph.bytes());
        Files.write(file, model.bytes());
        return file;
    }

    private static byte[] valueInfo(String name, int elemType, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            shape.message(1, d instanceof String s ? new Proto().string(2, s).bytes() : new Proto().varint(1, ((Number) d).longValue()).bytes());
        }
        Proto tensor = new Proto().varint(1, elemType).message(2, shape.bytes());
        return new Proto().string(1, name).message(2, new Proto().message(1, tensor.bytes()).bytes()).bytes();
    }

    /** Protobuf wire format: varints (type 0) and length-delimited fields (type 2). */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto message(int field, byte[] body) {
            raw(((long) field << 3) | 2);
            raw(body.length);
            out.writeBytes(body);
            return this;
        }

        Proto string(int field, String s) {
            return message(field, s.getBytes(StandardCharsets.UTF_8));
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
