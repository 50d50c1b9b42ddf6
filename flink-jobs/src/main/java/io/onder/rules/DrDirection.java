package io.onder.rules;

/** Direction of a demand-response event: reduce or increase the target's load. */
public enum DrDirection { REDUCE, INCREASE }
