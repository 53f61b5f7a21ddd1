package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Discovery lists the modules a script names in {@code host.call}: every literal one, wherever it is written. */
class HostCallTargetsTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    private static final long SEED = 1130L;

    @Test
    void theCheckoutDemoNamesItsFiveModulesAndTheGuestFallback() throws Exception {
        String source = Files.readString(Path.of("scripts/checkout.js"));
        assertEquals(Set.of("auth", "guest-checkout", "inventory", "notifications", "orders", "payment"),
                fixture.sandbox.compile("checkout", source).hostCallTargets());
    }

    /**
     * A seeded corpus of scripts, each with literal calls placed in every kind of statement and expression (nested
     * functions, arrows, loops, conditions, try, call arguments, object literals, template holes) beside decoys that
     * are not literal host calls: exactly the placed names are found.
     */
    @Test
    void everyLiteralCallIsFoundWhereverItIsWrittenAndNoDecoyIs() throws Exception {
        Random random = new Random(SEED);
        for (int round = 0; round < 300; round++) {
            Set<String> placed = new TreeSet<>();
            List<String> statements = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                String name = "m" + random.nextInt(40);
                placed.add(name);
                statements.add(place(random, "host.call(\"" + name + "\", { body: {} })"));
                statements.add(decoy(random));
            }
            String source = "export default function (input) {\n  var name = 'dyn';\n"
                    + "  var other = { call: function () {} };\n  " + String.join("\n  ", statements)
                    + "\n  return {};\n}\n";
            assertEquals(placed, fixture.sandbox.compile("gen" + round, source).hostCallTargets(),
                    "round " + round + ":\n" + source);
        }
    }

    private static String place(Random random, String call) {
        return switch (random.nextInt(10)) {
            case 0 -> "var a = " + call + ";";
            case 1 -> "if (input) { " + call + "; } else { var z = 1; }";
            case 2 -> "for (let i = 0; i < 1; i++) { " + call + "; }";
            case 3 -> "var f = () => " + call + ";";
            case 4 -> "function g() { return " + call + "; }";
            case 5 -> "try { " + call + "; } catch (e) { }";
            case 6 -> "var t = input ? " + call + " : null;";
            case 7 -> "var o = { k: [" + call + "] };";
            case 8 -> "var s = `x${" + call + ".status}`;";
            default -> "JSON.stringify(" + call + ");";
        };
    }

    private static String decoy(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "host.call(name, {});";
            case 1 -> "other.call(\"decoy\");";
            case 2 -> "var q = \"host.call('decoy')\";";
            case 3 -> "// host.call(\"decoy\")";
            default -> "host.call(name + \"-x\");";
        };
    }
}
