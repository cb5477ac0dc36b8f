package org.scimoe.training.pairs;

import java.util.Locale;

public enum Split {
    TRAIN, VALID, TEST;

    public String fileStem() {
        return name().toLowerCase(Locale.ROOT);
    }
}
