package dev.vigil.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EscapeTest {
    @Test
    void eachMarkupMakesOutsideTextInert() {
        String hostile = "<!channel> & <a href='x'>*y*</a>\r\n[z](u)";
        assertThat(Markup.SLACK.text(hostile)).isEqualTo("&lt;!channel&gt; &amp; &lt;a href='x'&gt;*y*&lt;/a&gt; \n[z](u)");
        assertThat(Markup.HTML.text(hostile)).isEqualTo("&lt;!channel&gt; &amp; &lt;a href=&#39;x&#39;&gt;*y*&lt;/a&gt; \n[z](u)");
        assertThat(Markup.MARKDOWN.text(hostile)).isEqualTo("&lt;\\!channel&gt; &amp; &lt;a href='x'&gt;\\*y\\*&lt;/a&gt;  \\[z\\](u)");
        assertThat(Markup.JIRA.text("{html}!x! [a|b] *c*")).isEqualTo("\\{html\\}\\!x\\! \\[a\\|b\\] \\*c\\*");
        assertThat(Markup.PLAIN.text("a\u0000b\u001b[31m")).isEqualTo("a b [31m");
        assertThat(Escape.line("a\nb\tc")).isEqualTo("a b c");
        assertThat(Escape.noTags("<img src=x>\n&")).isEqualTo("\u2039img src=x\u203A &");
    }

    @Test
    void linksAndLinesAreEachMarkupsOwn() {
        assertThat(Markup.SLACK.link("http://v/#/incidents/1", "Open")).isEqualTo("<http://v/#/incidents/1|Open>");
        assertThat(Markup.MARKDOWN.link("http://v/#/incidents/1", "Open")).isEqualTo("[Open](http://v/#/incidents/1)");
        assertThat(Markup.JIRA.link("http://v/#/incidents/1", "Open")).isEqualTo("[Open|http://v/#/incidents/1]");
        assertThat(Markup.HTML.link("http://v/?a=1&b=2", "Open")).isEqualTo("<a href=\"http://v/?a=1&amp;b=2\">Open</a>");
        assertThat(Markup.HTML.lines(List.of("a", "b"))).isEqualTo("a<br>\nb");
        assertThat(Markup.MARKDOWN.lines(List.of("a", "b"))).isEqualTo("a  \nb");
    }

    @Test
    void truncationCutsWithAnEllipsisAndNeverSplitsASurrogatePair() {
        assertThat(Escape.truncate("abcdef", 6)).isEqualTo("abcdef");
        assertThat(Escape.truncate("abcdefg", 6)).isEqualTo("abcde…");
        String emoji = "abcd\uD83D\uDE00xyz"; // the emoji's pair at 4 and 5
        assertThat(Escape.truncate(emoji, 6)).isEqualTo("abcd…");
    }
}
