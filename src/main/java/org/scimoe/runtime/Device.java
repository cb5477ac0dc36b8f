package org.scimoe.runtime;

/** The device a session actually runs on, and why (e.g. why {@code auto} chose the CPU). */
public record Device(String name, String reason) {
    public boolean isCuda() {
        return name.startsWith("cuda");
    }

    @Override
    public String toString() {
        return reason == null || reason.isEmpty() ? name : name + " (" + reason + ")";
    }
}
