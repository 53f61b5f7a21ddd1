package dev.mik.sandbox;

import org.openjdk.nashorn.internal.ir.AccessNode;
import org.openjdk.nashorn.internal.ir.Block;
import org.openjdk.nashorn.internal.ir.CallNode;
import org.openjdk.nashorn.internal.ir.CatchNode;
import org.openjdk.nashorn.internal.ir.ClassNode;
import org.openjdk.nashorn.internal.ir.Expression;
import org.openjdk.nashorn.internal.ir.ExpressionStatement;
import org.openjdk.nashorn.internal.ir.ForNode;
import org.openjdk.nashorn.internal.ir.FunctionNode;
import org.openjdk.nashorn.internal.ir.IdentNode;
import org.openjdk.nashorn.internal.ir.JoinPredecessorExpression;
import org.openjdk.nashorn.internal.ir.LexicalContext;
import org.openjdk.nashorn.internal.ir.LoopNode;
import org.openjdk.nashorn.internal.ir.Node;
import org.openjdk.nashorn.internal.ir.ReturnNode;
import org.openjdk.nashorn.internal.ir.Statement;
import org.openjdk.nashorn.internal.ir.TernaryNode;
import org.openjdk.nashorn.internal.ir.ThrowNode;
import org.openjdk.nashorn.internal.ir.TryNode;
import org.openjdk.nashorn.internal.ir.VarNode;
import org.openjdk.nashorn.internal.ir.WhileNode;
import org.openjdk.nashorn.internal.ir.WithNode;
import org.openjdk.nashorn.internal.ir.visitor.NodeVisitor;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fails closed on the instrumented factory: re-parses it and accepts it only if
 * <ul>
 * <li>the program is one function expression with the parameters {@code (__g, __gThrow, __gv, __gk)}, so evaluating it
 * runs nothing;</li>
 * <li>the object of every for-in is {@code __gk(...)};</li>
 * <li>every function body and loop body starts with {@code __g.t()} (after hoisted function declarations),
 * every catch block with {@code __g.c(e)}, every throw throws {@code __gThrow(...)};</li>
 * <li>no path runs more than {@link OperatorSteps#VERIFIED_MAX} operator steps between two guard checks, and every
 * {@code __gv} call passes exactly one value;</li>
 * <li>every identifier with the reserved prefix is one the sandbox wrote;</li>
 * <li>a reflective walk over all IR objects finds no function, loop, catch or throw the visitor did not
 * check, so a node kind whose {@code accept} skips children cannot hide an unguarded loop.</li>
 * </ul>
 */
final class GuardVerifier {

    private static final Map<Class<?>, List<Field>> NODE_FIELDS = new ConcurrentHashMap<>();

    private final Set<Node> checked = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<IdentNode> sandboxNames = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<IdentNode> reservedNames = new ArrayList<>();
    private String problem;

    private GuardVerifier() {
    }

    /** @return null when the program is fully guarded, else what is wrong */
    static String verify(FunctionNode program, String text) {
        GuardVerifier verifier = new GuardVerifier();
        verifier.checkShape(program);
        if (verifier.problem == null) {
            program.accept(verifier.new Checker());
        }
        if (verifier.problem == null) {
            String steps = OperatorSteps.verify(program, text, verifier.sandboxNames::add);
            if (steps != null) {
                verifier.fail(steps);
            }
        }
        if (verifier.problem == null) {
            verifier.checkReservedNames();
        }
        if (verifier.problem == null) {
            verifier.checkNothingHidden(program);
        }
        return verifier.problem;
    }

    private void fail(String message) {
        if (problem == null) {
            problem = message;
        }
    }

    private void checkShape(FunctionNode program) {
        List<Statement> statements = program.getBody().getStatements();
        if (statements.size() != 1 || !(statements.get(0) instanceof ExpressionStatement statement)
                || !(statement.getExpression() instanceof FunctionNode factory)) {
            fail("the program is not a single function expression");
            return;
        }
        List<IdentNode> parameters = factory.getParameters();
        if (parameters.size() != 4 || !GuardInjector.GUARD.equals(parameters.get(0).getName())
                || !GuardInjector.SAFE_THROW.equals(parameters.get(1).getName())
                || !GuardInjector.PASS.equals(parameters.get(2).getName())
                || !GuardInjector.FOR_IN.equals(parameters.get(3).getName())) {
            fail("the factory does not take the guard parameters");
            return;
        }
        sandboxNames.addAll(parameters);
    }

    private void checkFunction(FunctionNode function) {
        if (function.getKind() == FunctionNode.Kind.GENERATOR) {
            fail("generator at line " + function.getLineNumber());
        } else if (function.getFlag(FunctionNode.HAS_EXPRESSION_BODY)) {
            if (!GuardInjector.returnsFunction(function) && !isGuardedExpressionBody(function)) {
                fail("unguarded arrow function at line " + function.getLineNumber());
            }
        } else if (!startsWithCall(function.getBody(), "t", null)) {
            fail("unguarded function at line " + function.getLineNumber());
        }
        checked.add(function);
    }

    private boolean isGuardedExpressionBody(FunctionNode arrow) {
        List<Statement> statements = arrow.getBody().getStatements();
        return statements.size() == 1 && statements.get(0) instanceof ReturnNode ret
                && ret.getExpression() instanceof TernaryNode ternary
                && isGuardCall(unwrap(ternary.getTest()), "t", null);
    }

    private void checkLoop(LoopNode loop) {
        if (!startsWithCall(loop.getBody(), "t", null)) {
            fail("unguarded loop at line " + loop.getBody().getFirstStatementLineNumber());
        }
        if (loop instanceof ForNode forNode && forNode.isForIn()
                && !(unwrap(forNode.getModify()) instanceof CallNode call
                        && call.getFunction() instanceof IdentNode callee
                        && GuardInjector.FOR_IN.equals(callee.getName()) && call.getArgs().size() == 1)) {
            fail("unguarded for-in at line " + loop.getBody().getFirstStatementLineNumber());
        } else if (loop instanceof ForNode forNode && forNode.isForIn()) {
            sandboxNames.add((IdentNode) ((CallNode) unwrap(forNode.getModify())).getFunction());
        }
        checked.add(loop);
    }

    private void checkCatch(CatchNode catchNode) {
        if (!(catchNode.getException() instanceof IdentNode caught)
                || !startsWithCall(catchNode.getBody(), "c", caught.getName())) {
            fail("unguarded catch block");
        }
        checked.add(catchNode);
    }

    private void checkFinally(TryNode tryNode) {
        if (tryNode.getFinallyBody() != null && !startsWithCall(tryNode.getFinallyBody(), "t", null)) {
            fail("unguarded finally block");
        }
        checked.add(tryNode);
    }

    private void checkThrow(ThrowNode throwNode) {
        if (!(unwrap(throwNode.getExpression()) instanceof CallNode call)
                || !(call.getFunction() instanceof IdentNode callee)
                || !GuardInjector.SAFE_THROW.equals(callee.getName()) || call.getArgs().size() != 1) {
            fail("unguarded throw");
            return;
        }
        sandboxNames.add(callee);
        checked.add(throwNode);
    }

    /** The first statement after hoisted function declarations is {@code __g.<method>(<argument>)}. */
    private boolean startsWithCall(Block block, String method, String argument) {
        for (Statement statement : block.getStatements()) {
            if (statement instanceof VarNode declaration && declaration.isFunctionDeclaration()) {
                continue;
            }
            return statement instanceof ExpressionStatement expression
                    && isGuardCall(unwrap(expression.getExpression()), method, argument);
        }
        return false;
    }

    private boolean isGuardCall(Expression expression, String method, String argument) {
        if (!(expression instanceof CallNode call) || !(call.getFunction() instanceof AccessNode access)
                || !method.equals(access.getProperty()) || !(access.getBase() instanceof IdentNode guard)
                || !GuardInjector.GUARD.equals(guard.getName())) {
            return false;
        }
        List<Expression> args = call.getArgs();
        boolean argumentsMatch = argument == null ? args.isEmpty()
                : args.size() == 1 && args.get(0) instanceof IdentNode ident && argument.equals(ident.getName());
        if (argumentsMatch) {
            sandboxNames.add(guard);
        }
        return argumentsMatch;
    }

    private static Expression unwrap(Expression expression) {
        Expression current = expression;
        while (current instanceof JoinPredecessorExpression wrapper) {
            current = wrapper.getExpression();
        }
        return current;
    }

    private void checkReservedNames() {
        for (IdentNode ident : reservedNames) {
            if (!sandboxNames.contains(ident) && !ModuleRewriter.MAIN.equals(ident.getName())) {
                fail("reserved identifier " + ident.getName() + " used outside the sandbox's own code");
            }
        }
    }

    /** Walks every IR object reachable through fields, independent of each node's {@code accept}. */
    private void checkNothingHidden(FunctionNode program) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> pending = new ArrayDeque<>();
        pending.push(program);
        while (!pending.isEmpty() && problem == null) {
            Object next = pending.pop();
            if (!seen.add(next)) {
                continue;
            }
            if (next instanceof Node node) {
                requireChecked(node);
                for (Field field : nodeFields(node.getClass())) {
                    pushIfPresent(pending, read(field, node));
                }
            } else if (next instanceof Collection<?> collection) {
                collection.forEach(element -> pushIfPresent(pending, element));
            } else if (next instanceof Map<?, ?> map) {
                map.forEach((key, value) -> {
                    pushIfPresent(pending, key);
                    pushIfPresent(pending, value);
                });
            } else if (next instanceof Object[] array) {
                for (Object element : array) {
                    pushIfPresent(pending, element);
                }
            }
        }
    }

    private static void pushIfPresent(Deque<Object> pending, Object value) {
        if (value != null) {
            pending.push(value);
        }
    }

    private void requireChecked(Node node) {
        boolean mustBeChecked = (node instanceof FunctionNode function && !function.isProgram())
                || node instanceof LoopNode || node instanceof CatchNode || node instanceof ThrowNode
                || node instanceof TryNode
                || node instanceof ClassNode || node instanceof WithNode;
        if (mustBeChecked && !checked.contains(node)) {
            fail("a " + node.getClass().getSimpleName() + " escaped verification");
        }
        if (node instanceof IdentNode ident && ident.getName().startsWith(JsParser.RESERVED_PREFIX)
                && !sandboxNames.contains(ident) && !ModuleRewriter.MAIN.equals(ident.getName())) {
            fail("reserved identifier " + ident.getName() + " escaped verification");
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read IR field " + field, e);
        }
    }

    private static List<Field> nodeFields(Class<?> type) {
        return NODE_FIELDS.computeIfAbsent(type, GuardVerifier::referenceFields);
    }

    private static List<Field> referenceFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
                    field.setAccessible(true);
                    fields.add(field);
                }
            }
        }
        return List.copyOf(fields);
    }

    /** Checks each node where the visitor meets it; records the sandbox-prefixed identifiers it meets. */
    private final class Checker extends NodeVisitor<LexicalContext> {

        Checker() {
            super(new LexicalContext());
        }

        @Override
        public boolean enterFunctionNode(FunctionNode function) {
            if (!function.isProgram()) {
                checkFunction(function);
            }
            return problem == null;
        }

        @Override
        public boolean enterForNode(ForNode loop) {
            checkLoop(loop);
            return problem == null;
        }

        @Override
        public boolean enterWhileNode(WhileNode loop) {
            checkLoop(loop);
            return problem == null;
        }

        @Override
        public boolean enterCatchNode(CatchNode catchNode) {
            checkCatch(catchNode);
            return problem == null;
        }

        @Override
        public boolean enterThrowNode(ThrowNode throwNode) {
            checkThrow(throwNode);
            return problem == null;
        }

        @Override
        public boolean enterTryNode(TryNode tryNode) {
            checkFinally(tryNode);
            return problem == null;
        }

        @Override
        public boolean enterClassNode(ClassNode classNode) {
            fail("class at line " + classNode.getLineNumber());
            return false;
        }

        @Override
        public boolean enterWithNode(WithNode withNode) {
            fail("with at line " + withNode.getLineNumber());
            return false;
        }

        @Override
        public boolean enterIdentNode(IdentNode ident) {
            if (ident.getName().startsWith(JsParser.RESERVED_PREFIX)) {
                reservedNames.add(ident);
            }
            return true;
        }
    }
}
