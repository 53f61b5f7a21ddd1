package dev.mik.testing;

import com.sun.tools.attach.VirtualMachine;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A server's JVM read from outside, through the attach API and its platform MBeans over a local JMX connector: how
 * many threads are alive and what they are called, how many classes are loaded. Nothing is added to the server: no
 * endpoint, no agent option.
 */
public final class ServerJvm implements AutoCloseable {

    private final JMXConnector connector;
    private final ThreadMXBean threads;
    private final ClassLoadingMXBean classes;
    private final MemoryMXBean memory;

    /** What the JVM holds at one moment, after garbage collection. */
    public record Sample(int liveThreads, int loadedClasses, long totalLoadedClasses, List<String> threadNames) {

        /** The live threads whose name starts with {@code prefix}, e.g. mik's own {@code "mik-"}. */
        public List<String> threadsNamed(String prefix) {
            return threadNames.stream().filter(name -> name.startsWith(prefix)).sorted().toList();
        }
    }

    private ServerJvm(JMXConnector connector) throws java.io.IOException {
        this.connector = connector;
        MBeanServerConnection server = connector.getMBeanServerConnection();
        threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME,
                ThreadMXBean.class);
        classes = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.CLASS_LOADING_MXBEAN_NAME,
                ClassLoadingMXBean.class);
        memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME,
                MemoryMXBean.class);
    }

    /** Attaches to the JVM of process {@code pid} (same user, same machine) and starts its local JMX agent. */
    public static ServerJvm attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        return new ServerJvm(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    }

    /**
     * Collects garbage {@code rounds} times with pauses (an undeployed application's classes go with a full
     * collection once nothing holds its class loader), then samples.
     */
    public Sample sampleAfterGc(int rounds) throws InterruptedException {
        for (int i = 0; i < rounds; i++) {
            memory.gc();
            Thread.sleep(500);
        }
        List<String> names = Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(Objects::nonNull).map(ThreadInfo::getThreadName).toList();
        return new Sample(threads.getThreadCount(), classes.getLoadedClassCount(),
                classes.getTotalLoadedClassCount(), names);
    }

    @Override
    public void close() throws java.io.IOException {
        connector.close();
    }
}
