package dev.vigil.notify;

/** What every integration shares: its name and settings, and the paging and drill flags read from them. */
public abstract class ConfiguredChannel implements Channel {
    protected final String name;
    protected final ChannelSettings settings;

    protected ConfiguredChannel(String name, ChannelSettings settings) {
        this.name = name;
        this.settings = settings;
    }

    /** @throws IllegalArgumentException naming the channel and the missing field */
    protected void require(String field, Object value) {
        if (value != null) return;
        String article = "aeiou".indexOf(settings.type().charAt(0)) >= 0 ? "an " : "a ";
        throw new IllegalArgumentException("channels." + name + "." + field + " is required for " + article + settings.type() + " channel");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean paging() {
        return settings.paging();
    }

    @Override
    public final java.time.Duration retryFor() {
        return settings.retryFor();
    }

    @Override
    public final boolean drill() {
        return settings.drill();
    }
}
