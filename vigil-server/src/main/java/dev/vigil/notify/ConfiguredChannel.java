package dev.vigil.notify;

import dev.vigil.config.VigilConfig;

/** What every integration shares: its name and configuration, and the paging and drill flags read from it. */
public abstract class ConfiguredChannel implements Channel {
    protected final String name;
    protected final VigilConfig.Channel config;

    protected ConfiguredChannel(String name, VigilConfig.Channel config) {
        this.name = name;
        this.config = config;
    }

    /** @throws IllegalArgumentException naming the channel and the missing field */
    protected void require(String field, Object value) {
        if (value != null) return;
        String article = "aeiou".indexOf(config.type().charAt(0)) >= 0 ? "an " : "a ";
        throw new IllegalArgumentException("channels." + name + "." + field + " is required for " + article + config.type() + " channel");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean paging() {
        return config.paging();
    }

    @Override
    public final boolean drill() {
        return config.drill();
    }
}
