package dev.berth.tools;

/**
 * One exact text replacement.
 *
 * @param oldString the text to find; must match exactly once unless {@code replaceAll}
 * @param newString what replaces it
 * @param replaceAll replace every match (at least one) instead of requiring a unique one
 */
public record FileEdit(String oldString, String newString, boolean replaceAll) {}
