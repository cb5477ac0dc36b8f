package org.scimoe.training.model;

/** Which learning rate a parameter trains at: pretrained weights move gently, new ones (experts, gate) faster. */
public enum ParamGroup {
    PRETRAINED,
    NEW
}
