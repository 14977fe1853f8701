package dev.vigil.incident;

/**
 * What happened to an incident, as the incident stage hands it on: the response stage, the
 * operators' live stream and the metrics each take the kinds they need. An immutable copy of
 * the incident travels with it, so a consumer never reads back into the incident manager.
 */
public record IncidentChange(Kind kind, Incident incident) {
    public enum Kind {
        /** A new incident: its playbook runs. */
        OPENED,
        /** An operator acknowledged it: channels that were notified hear so. */
        ACKNOWLEDGED,
        /** Resolved by an operator or by a successful retry: channels hear so, pending retries are withdrawn. */
        RESOLVED,
        /** An operator's verdict. */
        FEEDBACK,
        /** A failed automatic recovery moved it to the medium protocol. */
        ESCALATED,
        /** The response stage changed it otherwise (an action's result, a ticket): only dashboards care. */
        UPDATED;

        /** The name of the change on the operators' stream. */
        public String wire() {
            return name().toLowerCase();
        }
    }
}
