package dev.mik.openapi;

import dev.mik.config.MikConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The one {@link DescriptionCatalog} of the application, reading the handlers directory mik is configured with. */
@ApplicationScoped
public class ModuleDescriptions {

    @Inject
    MikConfig config;

    private DescriptionCatalog catalog;

    @PostConstruct
    void start() {
        catalog = new DescriptionCatalog(config::handlersDir, OwnDocument.load());
    }

    public DescriptionStatus status(String module) {
        return catalog.status(module);
    }

    public String document(String module) {
        return catalog.document(module);
    }

    public String merged() {
        return catalog.merged();
    }
}
