package dev.tcptune.status;

/** One Event to record on a profile: Normal or Warning, a CamelCase reason and a message. */
public record ProfileEvent(boolean warning, String reason, String message) {}
