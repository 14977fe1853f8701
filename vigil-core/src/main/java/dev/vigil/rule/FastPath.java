package dev.vigil.rule;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates the subset of CEL that rule conditions are made of, directly on the Java values of
 * {@code event} and {@code agent}: constants, variables, field selection and {@code has()},
 * {@code && || !}, {@code == != < <= > >=}, {@code in}, {@code + - * /}, the conditional
 * operator, list literals, {@code size} and {@code matches}. cel-java's interpreter costs about a
 * microsecond per expression; this costs tens of nanoseconds, and the engine evaluates several
 * expressions per event. Any other construct (macros over lists, timestamps, ...) makes
 * {@link #compile} return null and the expression runs on cel-java.
 *
 * <p>Semantics follow CEL as configured in {@link Cel} (heterogeneous numeric comparison and
 * equality): a missing key, a wrong type or an overflow is an error; {@code &&} and {@code ||}
 * absorb an error when the other side decides the result. {@code FastPathTest} checks every
 * operator and the default rule pack against cel-java itself over random events.
 */
final class FastPath {
    /** A CEL evaluation error: the rule does not match (or has no value). Shared and stackless: errors are routine. */
    static final class CelError extends Exception {
        static final CelError INSTANCE = new CelError();

        private CelError() {
            super("CEL evaluation error", null, false, false);
        }
    }

    interface Node {
        Object eval(Map<String, Object> vars) throws CelError;
    }

    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private FastPath() {}

    /** A direct evaluator, or null when the expression uses something outside the subset. */
    static Node compile(CelExpr expr) {
        try {
            return node(expr);
        } catch (Unsupported e) {
            return null;
        }
    }

    private static Node node(CelExpr e) {
        switch (e.getKind()) {
            case CONSTANT -> {
                Object value = constant(e.constant());
                return vars -> value;
            }
            case IDENT -> {
                String name = e.ident().name();
                return vars -> {
                    Object v = vars.get(name);
                    if (v == null) throw CelError.INSTANCE;
                    return v;
                };
            }
            case SELECT -> {
                Node operand = node(e.select().operand());
                String field = e.select().field();
                if (e.select().testOnly()) {
                    return vars -> operand.eval(vars) instanceof Map<?, ?> m ? m.containsKey(field) : fail();
                }
                return vars -> {
                    if (!(operand.eval(vars) instanceof Map<?, ?> m)) throw CelError.INSTANCE;
                    Object v = m.get(field);
                    if (v == null) throw CelError.INSTANCE;
                    return v;
                };
            }
            case LIST -> {
                List<Node> elements = new ArrayList<>();
                for (CelExpr element : e.list().elements()) elements.add(node(element));
                return vars -> {
                    List<Object> out = new ArrayList<>(elements.size());
                    for (Node n : elements) out.add(n.eval(vars));
                    return out;
                };
            }
            case CALL -> {
                return call(e.call());
            }
            default -> throw new Unsupported();
        }
    }

    private static Node call(CelExpr.CelCall call) {
        List<Node> args = new ArrayList<>();
        if (call.target().isPresent()) args.add(node(call.target().get()));
        for (CelExpr arg : call.args()) args.add(node(arg));
        String fn = call.function();
        switch (args.size()) {
            case 1 -> {
                Node a = args.get(0);
                return switch (fn) {
                    case "!_" -> vars -> a.eval(vars) instanceof Boolean b ? !b : fail();
                    case "-_" -> vars -> switch (a.eval(vars)) {
                        case Long l when l != Long.MIN_VALUE -> -l;
                        case Double d -> -d;
                        default -> fail();
                    };
                    case "size" -> vars -> switch (a.eval(vars)) {
                        case String s -> (long) s.codePointCount(0, s.length());
                        case List<?> l -> (long) l.size();
                        case Map<?, ?> m -> (long) m.size();
                        default -> fail();
                    };
                    default -> throw new Unsupported();
                };
            }
            case 2 -> {
                Node a = args.get(0);
                Node b = args.get(1);
                return switch (fn) {
                    case "_&&_" -> vars -> and(a, b, vars);
                    case "_||_" -> vars -> or(a, b, vars);
                    case "_==_" -> vars -> equal(a.eval(vars), b.eval(vars));
                    case "_!=_" -> vars -> !equal(a.eval(vars), b.eval(vars));
                    case "_<_" -> vars -> compare(a.eval(vars), b.eval(vars)) < 0;
                    case "_<=_" -> vars -> compare(a.eval(vars), b.eval(vars)) <= 0;
                    case "_>_" -> vars -> compare(a.eval(vars), b.eval(vars)) > 0;
                    case "_>=_" -> vars -> compare(a.eval(vars), b.eval(vars)) >= 0;
                    case "@in" -> vars -> in(a.eval(vars), b.eval(vars));
                    case "_+_", "_-_", "_*_", "_/_" -> vars -> arithmetic(fn, a.eval(vars), b.eval(vars));
                    case "matches" -> vars -> a.eval(vars) instanceof String s && b.eval(vars) instanceof String re
                            ? matches(s, re) : fail();
                    default -> throw new Unsupported();
                };
            }
            case 3 -> {
                if (!fn.equals("_?_:_")) throw new Unsupported();
                Node cond = args.get(0);
                Node yes = args.get(1);
                Node no = args.get(2);
                return vars -> cond.eval(vars) instanceof Boolean b ? (b ? yes.eval(vars) : no.eval(vars)) : fail();
            }
            default -> throw new Unsupported();
        }
    }

    private static boolean matches(String text, String regex) throws CelError {
        try {
            return Cel.matches(text, regex);
        } catch (IllegalArgumentException badPattern) {
            throw CelError.INSTANCE;
        }
    }

    /**
     * CEL's commutative and: false wins over an error; an error wins over true. A side that is
     * not a bool is an error at once, as in cel-java.
     */
    private static Object and(Node a, Node b, Map<String, Object> vars) throws CelError {
        Object left = attempt(a, vars);
        if (!(left instanceof Boolean) && !(left instanceof CelError)) throw CelError.INSTANCE;
        if (Boolean.FALSE.equals(left)) return false;
        Object right = attempt(b, vars);
        if (!(right instanceof Boolean) && !(right instanceof CelError)) throw CelError.INSTANCE;
        if (Boolean.FALSE.equals(right)) return false;
        if (left instanceof Boolean && right instanceof Boolean) return true;
        throw CelError.INSTANCE;
    }

    private static Object or(Node a, Node b, Map<String, Object> vars) throws CelError {
        Object left = attempt(a, vars);
        if (!(left instanceof Boolean) && !(left instanceof CelError)) throw CelError.INSTANCE;
        if (Boolean.TRUE.equals(left)) return true;
        Object right = attempt(b, vars);
        if (!(right instanceof Boolean) && !(right instanceof CelError)) throw CelError.INSTANCE;
        if (Boolean.TRUE.equals(right)) return true;
        if (left instanceof Boolean && right instanceof Boolean) return false;
        throw CelError.INSTANCE;
    }

    /** The value, or the error marker itself when evaluation failed. */
    private static Object attempt(Node n, Map<String, Object> vars) {
        try {
            return n.eval(vars);
        } catch (CelError e) {
            return e;
        }
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (x instanceof Long l && y instanceof Long m) return l.longValue() == m.longValue();
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!equal(x.get(i), y.get(i))) return false;
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> entry : x.entrySet()) {
                if (!y.containsKey(entry.getKey()) || !equal(entry.getValue(), y.get(entry.getKey()))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    private static int compare(Object a, Object b) throws CelError {
        if (a instanceof Long x && b instanceof Long y) return Long.compare(x, y);
        if (a instanceof Number x && b instanceof Number y) {
            double dx = x.doubleValue();
            double dy = y.doubleValue();
            if (Double.isNaN(dx) || Double.isNaN(dy)) throw CelError.INSTANCE;
            return Double.compare(dx, dy) == 0 ? 0 : dx < dy ? -1 : 1;
        }
        if (a instanceof String x && b instanceof String y) return Integer.signum(x.compareTo(y));
        if (a instanceof Boolean x && b instanceof Boolean y) return Boolean.compare(x, y);
        throw CelError.INSTANCE;
    }

    private static boolean in(Object element, Object container) throws CelError {
        if (container instanceof List<?> list) {
            for (Object item : list) if (equal(element, item)) return true;
            return false;
        }
        if (container instanceof Map<?, ?> map) return map.containsKey(element);
        throw CelError.INSTANCE;
    }

    private static Object arithmetic(String fn, Object a, Object b) throws CelError {
        if (a instanceof Long x && b instanceof Long y) {
            try {
                return switch (fn) {
                    case "_+_" -> Math.addExact(x, y);
                    case "_-_" -> Math.subtractExact(x, y);
                    case "_*_" -> Math.multiplyExact(x, y);
                    default -> {
                        if (y == 0 || (x == Long.MIN_VALUE && y == -1)) throw CelError.INSTANCE;
                        yield x / y;
                    }
                };
            } catch (ArithmeticException overflow) {
                throw CelError.INSTANCE;
            }
        }
        if (a instanceof Double x && b instanceof Double y) {
            return switch (fn) {
                case "_+_" -> x + y;
                case "_-_" -> x - y;
                case "_*_" -> x * y;
                default -> x / y;
            };
        }
        if (fn.equals("_+_") && a instanceof String x && b instanceof String y) return x + y;
        if (fn.equals("_+_") && a instanceof List<?> x && b instanceof List<?> y) {
            List<Object> joined = new ArrayList<>(x);
            joined.addAll(y);
            return joined;
        }
        throw CelError.INSTANCE; // CEL has no implicit conversion between int and double
    }

    private static Object constant(CelConstant c) {
        return switch (c.getKind()) {
            case BOOLEAN_VALUE -> c.booleanValue();
            case INT64_VALUE -> c.int64Value();
            case DOUBLE_VALUE -> c.doubleValue();
            case STRING_VALUE -> c.stringValue();
            default -> throw new Unsupported();
        };
    }

    private static Boolean fail() throws CelError {
        throw CelError.INSTANCE;
    }
}
