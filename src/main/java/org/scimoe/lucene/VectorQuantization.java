package org.scimoe.lucene;

import java.util.Locale;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;
import org.scimoe.ScimoeException;

/**
 * How the index stores vectors for HNSW search: as floats, or quantized with Lucene's scalar-quantized
 * HNSW format (int8, int4, or 1 bit per dimension with 4-bit queries). Quantized formats keep the float
 * vectors on disk too (for merging); search reads the quantized copy. HNSW parameters are Lucene's
 * defaults (16 connections, beam 100) in every case, so only the storage differs.
 */
public enum VectorQuantization {
    NONE, INT8, INT4, BINARY;

    private static final int MAX_CONN = 16;
    private static final int BEAM_WIDTH = 100;

    public static VectorQuantization parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ScimoeException("--quantize must be none, int8, int4 or binary, not '" + value + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The codec an index writer uses: Lucene's default with this vector format for every vector field. */
    public Codec codec() {
        KnnVectorsFormat format = format();
        return new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format; // segments record the format by name, so readers need no configuration
            }
        };
    }

    private KnnVectorsFormat format() {
        return switch (this) {
            case NONE -> new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH);
            case INT8 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE, MAX_CONN, BEAM_WIDTH);
            case INT4 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.PACKED_NIBBLE, MAX_CONN, BEAM_WIDTH);
            case BINARY -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE, MAX_CONN, BEAM_WIDTH);
        };
    }
}
