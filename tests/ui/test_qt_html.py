from desktop.ui.qt_html import for_qt


def test_nested_bullets_mark_their_level_and_ordered_lists_do_not_count():
    html = for_qt("<ul><li>a<ol><li>b<ul><li>c<ul><li>d<ul><li>e</li></ul></li></ul></li></ul></li></ol></li></ul>"
                  "<ul><li>again</li></ul>")
    assert [t for t in ("disc", "circle", "square") if t in html] == ["disc", "circle", "square"]
    assert html.count('type="disc"') == 2 and html.count('type="circle"') == 1 and html.count('type="square"') == 2
    assert "<ol>" in html


def test_code_blocks_sit_in_one_cell():
    html = for_qt("<p>x</p><pre>line 1\nline 2</pre><p>y</p>")
    assert '<td class="code"><pre>line 1\nline 2</pre></td></tr></table><p>y</p>' in html
