package dev.vigil.notify;

/** The escaping rules behind {@link Markup}, and truncation to the limits of the formats channels send. */
public final class Escape {
    private Escape() {}

    /**
     * Markdown's inline punctuation, backslash-escaped; {@code <}, {@code >} and {@code &} are
     * entities instead. Outside text is put on one line after a label of Vigil's, so what only
     * counts at the start of a line (headings, lists) cannot occur and stays unescaped.
     */
    private static final String MARKDOWN_PUNCTUATION = "\\`*_{}[]!|~";
    /** Jira wiki markup's formatting characters. */
    private static final String JIRA_PUNCTUATION = "*_-+^~|[]{}!?#";

    /**
     * Control characters other than newline and tab, as spaces: a CR, a NUL or an escape sequence
     * of an agent's has no business in anyone's message.
     */
    public static String controls(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c == '\n' || c == '\t' || !Character.isISOControl(c)) out.appendCodePoint(c);
            else out.append(' ');
        });
        return out.toString();
    }

    /** One line, for subjects, summaries and labels: control characters, newlines and tabs as spaces. */
    public static String line(String s) {
        return controls(s).replace('\n', ' ').replace('\t', ' ');
    }

    /**
     * A plain one-line title that no renderer can read a tag in: {@code <} and {@code >} become
     * the look-alike {@code ‹} and {@code ›}. For ticket titles, which the trackers show as text
     * (GitHub ignores backslash escapes there, and might show entities as typed) but which travel
     * on into Markdown and HTML (release notes, chat previews, mails).
     */
    public static String noTags(String s) {
        return line(s).replace('<', '\u2039').replace('>', '\u203A');
    }

    public static String html(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : controls(s).toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    public static String markdown(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : line(s).toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> {
                    if (MARKDOWN_PUNCTUATION.indexOf(c) >= 0) out.append('\\');
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    public static String jira(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : line(s).toCharArray()) {
            if (JIRA_PUNCTUATION.indexOf(c) >= 0) out.append('\\');
            out.append(c);
        }
        return out.toString();
    }

    /**
     * At most {@code max} characters, cut with an ellipsis when longer; never splits a surrogate
     * pair, so a cut string is still valid UTF-16.
     */
    public static String truncate(String s, int max) {
        if (s == null || s.length() <= max) return s;
        int end = Math.max(0, max - 1);
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) end--;
        return s.substring(0, end) + "…";
    }
}
