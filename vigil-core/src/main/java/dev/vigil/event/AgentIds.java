package dev.vigil.event;

/**
 * The one rule for an agent id, wherever one arrives: an event's {@code agent}, the agent an OTLP
 * span maps to (its events go through {@link EventParser}), and the {@code {id}} of every
 * {@code /v1/agents/{id}...} route (fleet view, control document and stream, pause, resume). A
 * name the event log refuses can never be paused, resumed or looked up, and the other way round.
 *
 * <p>An agent id is a string of 1 to {@value #MAX_LENGTH} UTF-16 code units, not blank, without
 * control characters (such as a newline), and well-formed UTF-16 ({@link Utf16}).
 */
public final class AgentIds {
    /** The longest agent id (and the longest of the other identifiers: run, task, model, ...). */
    public static final int MAX_LENGTH = 128;

    private AgentIds() {}

    /** Why {@code id} is not an agent id, for a message after {@code "agent: "}; null when it is one. */
    public static String problem(String id) {
        if (id == null) return "is required";
        if (id.isBlank()) return "must not be blank";
        if (id.length() > MAX_LENGTH) return "longer than " + MAX_LENGTH + " characters (" + id.length() + ")";
        return identifierProblem(id);
    }

    public static boolean isValid(String id) {
        return problem(id) == null;
    }

    /** The character rules shared by every identifier (agent, run, task, model, directive, id). */
    public static String identifierProblem(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) return "contains a control character at position " + i;
        }
        return Utf16.problem(value);
    }
}
