package dev.mik.sandbox;

import org.openjdk.nashorn.internal.ir.AccessNode;
import org.openjdk.nashorn.internal.ir.CallNode;
import org.openjdk.nashorn.internal.ir.FunctionNode;
import org.openjdk.nashorn.internal.ir.IdentNode;
import org.openjdk.nashorn.internal.ir.LexicalContext;
import org.openjdk.nashorn.internal.ir.LiteralNode;
import org.openjdk.nashorn.internal.ir.Node;
import org.openjdk.nashorn.internal.ir.visitor.NodeVisitor;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The modules a script names in {@code host.call("module", …)} with a string literal, as written: what discovery
 * lists and checks against the handlers directory, so a misspelled module shows at deployment, not at the first
 * request that takes that branch. A name computed at run time is not seen; it is checked when called, as always.
 */
final class HostCallTargets {

    private HostCallTargets() {
    }

    /** The literal first arguments of every {@code host.call} in {@code program}, sorted. */
    static SortedSet<String> in(FunctionNode program) {
        SortedSet<String> targets = new TreeSet<>();
        program.accept(new NodeVisitor<>(new LexicalContext()) {
            @Override
            public boolean enterCallNode(CallNode call) {
                if (isHostCall(call.getFunction()) && !call.getArgs().isEmpty()
                        && call.getArgs().get(0) instanceof LiteralNode<?> literal && literal.isString()) {
                    targets.add(literal.getString());
                }
                return true;
            }
        });
        return Collections.unmodifiableSortedSet(targets);
    }

    private static boolean isHostCall(Node function) {
        return function instanceof AccessNode access && access.getProperty().equals("call")
                && access.getBase() instanceof IdentNode base && base.getName().equals("host");
    }
}
