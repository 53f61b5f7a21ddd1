package dev.mik.config;

import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MikConfigTest {

    private static final long SEED = 20261130L;
    private static final long AGED = TimeUnit.MILLISECONDS.toNanos(MikConfig.REFRESH_MS) + 1;

    private final Map<String, String> set = new HashMap<>();
    private final AtomicLong now = new AtomicLong();
    private final MikConfig config = new MikConfig();

    MikConfigTest() {
        config.config = (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getOptionalValue")) {
                        return Optional.ofNullable(set.get((String) args[0]));
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        config.nanoClock = now::get;
    }

    @Test
    void unsetKeysServeTheirDefaultsAndNothingIsReported() {
        for (NumberSetting setting : MikConfig.NUMBERS) {
            assertEquals(setting.fallback(), config.number(setting.key()), setting.key());
        }
        assertTrue(config.invalidSettings().isEmpty());
        assertEquals("handlers", config.handlersDir().toString());
    }

    /**
     * A seeded corpus of values for every key, valid and not, applied one after another: an accessor never throws,
     * the value in force is always the latest valid one (or the default), and readiness names exactly the keys whose
     * current value was refused, with the value serving instead.
     */
    @Test
    void aRefusedValueNeverServesAndTheLastValidOneStaysInForce() {
        Random random = new Random(SEED);
        Map<String, Long> expected = new HashMap<>();
        MikConfig.NUMBERS.forEach(setting -> expected.put(setting.key(), setting.fallback()));
        for (int round = 0; round < 400; round++) {
            Map<String, Boolean> refused = new HashMap<>();
            for (NumberSetting setting : MikConfig.NUMBERS) {
                String raw = candidate(random, setting);
                if (raw == null) {
                    set.remove(setting.key());
                    expected.put(setting.key(), setting.fallback());
                    continue;
                }
                set.put(setting.key(), raw);
                Long parsed = parse(raw);
                boolean valid = parsed != null && parsed >= setting.min() && parsed <= setting.max();
                if (valid) {
                    expected.put(setting.key(), parsed);
                }
                refused.put(setting.key(), !valid);
            }
            now.addAndGet(AGED);
            for (NumberSetting setting : MikConfig.NUMBERS) {
                assertEquals(expected.get(setting.key()), config.number(setting.key()),
                        "round " + round + ": " + setting.key() + "=" + set.get(setting.key()));
            }
            List<InvalidSetting> reported = config.invalidSettings();
            for (InvalidSetting invalid : reported) {
                assertEquals(Boolean.TRUE, refused.get(invalid.key()), invalid.describe());
                assertEquals(set.get(invalid.key()), invalid.value());
                assertEquals((long) expected.get(invalid.key()), invalid.inForce());
            }
            assertEquals(refused.values().stream().filter(Boolean::booleanValue).count(), reported.size());
        }
    }

    @Test
    void aChangeAppliesOnceTheReadHasAgedAndNotBefore() {
        assertEquals(30_000, config.handlerTimeoutMs());
        set.put(MikConfig.HANDLER_TIMEOUT_MS, "5000");
        now.addAndGet(AGED - 2);
        assertEquals(30_000, config.handlerTimeoutMs(), "a read serves for REFRESH_MS");
        now.addAndGet(2);
        assertEquals(5_000, config.handlerTimeoutMs());
    }

    @Test
    void aTypoIsNamedWithTheRangeAndTheValueServingInstead() {
        set.put(MikConfig.HANDLER_TIMEOUT_MS, "5000");
        assertEquals(5_000, config.handlerTimeoutMs());
        set.put(MikConfig.HANDLER_TIMEOUT_MS, "5s");
        set.put(MikConfig.MEMORY_HIGH_WATER_PERCENT, "100");
        now.addAndGet(AGED);
        assertEquals(5_000, config.handlerTimeoutMs());
        assertEquals(85, config.memoryHighWaterPercent());
        List<InvalidSetting> reported = config.invalidSettings();
        assertEquals(2, reported.size());
        assertEquals("mik.handler.timeout-ms=5s is not a whole number (allowed: at least 1); 5000 stays in force",
                reported.get(0).describe());
        assertEquals("mik.memory.high-water-percent=100 is out of range (allowed: 1..99); 85 stays in force",
                reported.get(1).describe());
        set.remove(MikConfig.HANDLER_TIMEOUT_MS);
        set.remove(MikConfig.MEMORY_HIGH_WATER_PERCENT);
        now.addAndGet(AGED);
        assertEquals(30_000, config.handlerTimeoutMs());
        assertFalse(config.invalidSettings().iterator().hasNext());
    }

    private static String candidate(Random random, NumberSetting setting) {
        return switch (random.nextInt(9)) {
            case 0 -> null;
            case 1 -> Long.toString(setting.min()
                    + (long) (random.nextDouble() * Math.min(setting.max() - setting.min(), 1e9)));
            case 2 -> " " + setting.min() + " ";
            case 3 -> Long.toString(setting.max());
            case 4 -> setting.min() == Long.MIN_VALUE ? "x" : Long.toString(setting.min() - 1);
            case 5 -> setting.max() == Long.MAX_VALUE ? "9223372036854775808" : Long.toString(setting.max() + 1);
            case 6 -> List.of("5s", "1e3", "ten", "0x10", "1_000", "--1", "12.5").get(random.nextInt(7));
            case 7 -> Long.toString(-1 - random.nextInt(1000));
            default -> Long.toString(random.nextLong());
        };
    }

    private static Long parse(String raw) {
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
