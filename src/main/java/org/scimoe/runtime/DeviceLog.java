package org.scimoe.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which device choices were already logged in this JVM: a command that opens the same model for
 * every step (the demo's index then searches) says where the model runs, and why, once.
 */
final class DeviceLog {
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private DeviceLog() {}

    /** True the first time this model gets this device choice. */
    static boolean first(String model, String choice) {
        return LOGGED.add(model + "\u0000" + choice);
    }
}
