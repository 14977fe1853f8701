package dev.vigil.ingest.otlp;

/** Cutting span text to the bounds of an event. */
final class Texts {
    private Texts() {}

    /** At most {@code max} characters, the last an ellipsis; never half of a surrogate pair. */
    static String truncate(String text, int max) {
        if (text.length() <= max) return text;
        int cut = max - 1;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) cut--; // the low half would be cut off
        return text.substring(0, cut) + "…";
    }
}
