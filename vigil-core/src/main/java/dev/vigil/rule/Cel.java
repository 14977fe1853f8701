package dev.vigil.rule;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import com.google.re2j.Pattern;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelStandardFunctions;
import dev.vigil.event.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.stream.Collectors;

/**
 * The one CEL environment of Vigil's rules: variables {@code event} and {@code agent}, both
 * maps of string to dynamic values, the standard macros ({@code has}, {@code all},
 * {@code exists}, ...), and numeric comparisons across int and double so that
 * {@code event.latency_ms > 1000} works whether the agent sent 1200 or 1200.5.
 */
final class Cel {
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(10_000)
            .build();
    private static final CelType DYN_MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("event", DYN_MAP)
            .addVar("agent", DYN_MAP)
            .build();
    /**
     * The standard runtime, except that {@code matches} caches compiled patterns: cel-java compiles
     * the regex on every call, which made a rule using {@code matches} cost more than all the
     * other rules together.
     */
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .setStandardEnvironmentEnabled(false)
            .setStandardFunctions(CelStandardFunctions.newBuilder()
                    .excludeFunctions(CelStandardFunctions.StandardFunction.MATCHES).build())
            .addFunctionBindings(
                    CelFunctionBinding.from("matches", String.class, String.class, Cel::matches),
                    CelFunctionBinding.from("matches_string", String.class, String.class, Cel::matches))
            .build();
    /** Patterns are almost always rule constants; the bound only guards against patterns built from event data. */
    private static final int MAX_CACHED_PATTERNS = 1024;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    /** What an expression must produce where it is used; null accepts any type. */
    enum Result { BOOL, NUMBER }

    private Cel() {}

    /**
     * @throws IllegalArgumentException with CEL's message and the position (line:column)
     */
    static Expression compile(String text, Result expected) {
        CelValidationResult result = COMPILER.compile(text);
        if (result.hasError()) {
            throw new IllegalArgumentException(result.getErrors().stream().map(Cel::describe).collect(Collectors.joining("; ")));
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = result.getAst();
        } catch (CelValidationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        CelType type = ast.getResultType();
        boolean fits = expected == null || type.equals(SimpleType.DYN) || switch (expected) {
            case BOOL -> type.equals(SimpleType.BOOL);
            case NUMBER -> type.equals(SimpleType.INT) || type.equals(SimpleType.DOUBLE) || type.equals(SimpleType.UINT);
        };
        if (!fits) {
            throw new IllegalArgumentException("must be " + (expected == Result.BOOL ? "a condition (bool)" : "a number")
                    + ", but '" + text + "' is " + type.name());
        }
        checkConstantPatterns(ast.getExpr());
        try {
            return new Expression(text, RUNTIME.createProgram(ast), FastPath.compile(ast.getExpr()), kinds(ast.getExpr()));
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** @throws IllegalArgumentException for a pattern that does not compile: the expression errs, it does not crash */
    static boolean matches(String text, String regex) {
        Pattern p = PATTERNS.get(regex);
        if (p == null) {
            try {
                p = Pattern.compile(regex);
            } catch (com.google.re2j.PatternSyntaxException e) {
                throw new IllegalArgumentException("bad regular expression: " + e.getMessage());
            }
            if (PATTERNS.size() < MAX_CACHED_PATTERNS) PATTERNS.put(regex, p);
        }
        return p.matcher(text).find();
    }

    /**
     * The event kinds an expression can possibly be true for, read off its top-level structure:
     * {@code event.kind == "x"}, {@code event.kind in [...]}, combined through {@code &&} and
     * {@code ||}. Null means any kind. The engine skips rules whose kinds exclude the event's,
     * without evaluating them.
     */
    static Set<Kind> kinds(CelExpr e) {
        if (e.getKind() != CelExpr.ExprKind.Kind.CALL) return null;
        String fn = e.call().function();
        List<CelExpr> args = e.call().args();
        switch (fn) {
            case "_&&_" -> {
                Set<Kind> a = kinds(args.get(0));
                Set<Kind> b = kinds(args.get(1));
                if (a == null) return b;
                if (b == null) return a;
                EnumSet<Kind> both = EnumSet.noneOf(Kind.class);
                both.addAll(a);
                both.retainAll(b);
                return both;
            }
            case "_||_" -> {
                Set<Kind> a = kinds(args.get(0));
                Set<Kind> b = kinds(args.get(1));
                if (a == null || b == null) return null;
                EnumSet<Kind> either = EnumSet.noneOf(Kind.class);
                either.addAll(a);
                either.addAll(b);
                return either;
            }
            case "_==_" -> {
                String literal = isEventKind(args.get(0)) ? string(args.get(1)) : isEventKind(args.get(1)) ? string(args.get(0)) : null;
                if (literal == null) return null;
                Kind k = Kind.fromWire(literal);
                return k == null ? EnumSet.noneOf(Kind.class) : EnumSet.of(k);
            }
            case "@in" -> {
                if (!isEventKind(args.get(0)) || args.get(1).getKind() != CelExpr.ExprKind.Kind.LIST) return null;
                EnumSet<Kind> listed = EnumSet.noneOf(Kind.class);
                for (CelExpr element : args.get(1).list().elements()) {
                    String literal = string(element);
                    if (literal == null) return null;
                    Kind k = Kind.fromWire(literal);
                    if (k != null) listed.add(k);
                }
                return listed;
            }
            default -> {
                return null;
            }
        }
    }

    /** A {@code matches} with a literal pattern is checked when the rule loads, not at the first event. */
    private static void checkConstantPatterns(CelExpr e) {
        if (e.getKind() != CelExpr.ExprKind.Kind.CALL) return;
        CelExpr.CelCall call = e.call();
        if (call.function().equals("matches") && !call.args().isEmpty()) {
            String pattern = string(call.args().get(call.args().size() - 1));
            if (pattern != null) {
                try {
                    Pattern.compile(pattern);
                } catch (com.google.re2j.PatternSyntaxException bad) {
                    throw new IllegalArgumentException("bad regular expression '" + pattern + "': " + bad.getDescription());
                }
            }
        }
        call.target().ifPresent(Cel::checkConstantPatterns);
        call.args().forEach(Cel::checkConstantPatterns);
    }

    private static boolean isEventKind(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.SELECT && e.select().field().equals("kind")
                && e.select().operand().getKind() == CelExpr.ExprKind.Kind.IDENT
                && e.select().operand().ident().name().equals("event");
    }

    private static String string(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && e.constant().getKind() == CelConstant.Kind.STRING_VALUE
                ? e.constant().stringValue() : null;
    }

    private static String describe(CelIssue issue) {
        var loc = issue.getSourceLocation();
        String at = loc.getLine() > 0 ? " at line " + loc.getLine() + ", column " + (loc.getColumn() + 1) : "";
        return issue.getMessage() + at;
    }
}
