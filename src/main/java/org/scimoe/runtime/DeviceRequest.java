package org.scimoe.runtime;

import java.util.Locale;
import org.scimoe.ScimoeException;

/**
 * What device the user asked for: {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}.
 * {@code auto} takes CUDA when it works and says so when it falls back to the CPU;
 * {@code cuda} never falls back silently.
 */
public record DeviceRequest(Kind kind, int cudaDevice) {
    public enum Kind { CPU, CUDA, AUTO }

    public static final DeviceRequest CPU = new DeviceRequest(Kind.CPU, 0);
    public static final DeviceRequest AUTO = new DeviceRequest(Kind.AUTO, 0);

    public static DeviceRequest parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return CPU;
        }
        if (value.equals("auto")) {
            return AUTO;
        }
        if (value.equals("cuda") || value.equals("gpu")) {
            return new DeviceRequest(Kind.CUDA, 0);
        }
        if (value.startsWith("cuda:")) {
            try {
                int id = Integer.parseInt(value.substring(5));
                if (id >= 0) {
                    return new DeviceRequest(Kind.CUDA, id);
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new ScimoeException("device must be cpu, cuda, cuda:N (N >= 0) or auto, not '" + text + "'");
    }

    @Override
    public String toString() {
        return kind == Kind.CUDA ? "cuda:" + cudaDevice : kind.name().toLowerCase(Locale.ROOT);
    }
}
