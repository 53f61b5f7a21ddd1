package dev.mik.observability;

import io.opentelemetry.common.ComponentLoader;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the SDK's plug-ins (the exporter's HTTP sender) among the WAR's own classes. A server that ships its own
 * OpenTelemetry (Payara 7 does) lists its plug-ins in the same service files, visible to the WAR through its parent
 * class loader; those are built against the server's copy of the SDK, so they are skipped instead of failing the
 * exporter ("not a subtype").
 */
final class OwnPlugins implements ComponentLoader {

    /** More service entries than any server lists; a bound, so a loader that keeps failing cannot spin. */
    static final int MAX_ENTRIES = 256;

    private final ClassLoader loader;

    OwnPlugins(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public <T> Iterable<T> load(Class<T> plugin) {
        List<T> found = new ArrayList<>();
        Iterator<T> entries = ServiceLoader.load(plugin, loader).iterator();
        for (int entry = 0; entry < MAX_ENTRIES; entry++) {
            try {
                if (!entries.hasNext()) {
                    break;
                }
                found.add(entries.next());
            } catch (ServiceConfigurationError foreign) {
                // another class loader's plug-in: not ours to use
            }
        }
        return found;
    }
}
