package dev.vigil.event;

/**
 * Well-formed UTF-16: every surrogate in a pair. JSON's {@code \ud800} escape (and a decoder
 * lenient with CESU-8 bytes) can hand Vigil a string with half a pair; stored as UTF-8 it would
 * become {@code ?}, so {@code "s\ud800"} and {@code "s\udbff"} would be one agent. Such strings
 * are refused, never repaired.
 */
public final class Utf16 {
    private Utf16() {}

    /** The index of the first unpaired surrogate in {@code s}, or -1 when it is well-formed. */
    public static int unpaired(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else {
                return i;
            }
        }
        return -1;
    }

    /** Why {@code s} is not well-formed, for a message after {@code "field: "}; null when it is. */
    public static String problem(String s) {
        int at = unpaired(s);
        return at < 0 ? null : "not valid UTF-16: an unpaired surrogate (\\u"
                + Integer.toHexString(s.charAt(at)) + ") at position " + at;
    }

    /** {@code s} with each unpaired surrogate written as {@code \\uXXXX}, safe to echo in a message. */
    public static String printable(String s) {
        if (unpaired(s) < 0) return s;
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append("\\u").append(Integer.toHexString(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
