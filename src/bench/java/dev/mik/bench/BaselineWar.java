package dev.mik.bench;

import dev.mik.bench.baseline.BaselineApplication;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.nio.file.Path;

/** Packages the baseline JAX-RS app; Payara deploys {@code baseline.war} at {@code /baseline}, after its file name. */
final class BaselineWar {

    private BaselineWar() {
    }

    static Path writeInto(Path directory) {
        Path file = directory.resolve("baseline.war");
        ShrinkWrap.create(WebArchive.class, "baseline.war")
                .addPackage(BaselineApplication.class.getPackage())
                .as(ZipExporter.class)
                .exportTo(file.toFile(), true);
        return file;
    }
}
