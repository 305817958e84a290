"""The shared docstring text (sklearn_imbal.utils._docstring)."""

from sklearn_imbal.utils._docstring import DOCSTRINGS, fill_doc


def test_placeholders_are_filled_with_the_indentation_of_their_line():
    @fill_doc
    def predict(X):
        """Predict.

        Parameters
        ----------
        {X_passthrough}

        Notes
        -----
        {minority_rule} A ``pos_label`` overrides it; options {"a", "b"} stay.
        """

    lines = predict.__doc__.split("\n")
    first, second = DOCSTRINGS["X_passthrough"].split("\n")
    assert f"        {first}" in lines and f"        {second}" in lines
    rule = DOCSTRINGS["minority_rule"].split("\n")
    assert f"        {rule[0]}" in lines and f"        {rule[1]}" in lines
    tail = ' A ``pos_label`` overrides it; options {"a", "b"} stay.'
    assert "        " + rule[-1] + tail in lines
    assert "{X_passthrough}" not in predict.__doc__ and "{minority_rule}" not in predict.__doc__


def test_blank_lines_of_a_shared_text_stay_blank():
    @fill_doc
    def from_something(ax=None):
        """Draw.

        Parameters
        ----------
        {display_draw}
        """

    lines = from_something.__doc__.split("\n")
    assert "        ax : matplotlib Axes, default=None" in lines
    assert "        Returns" in lines and "        -------" in lines
    assert all(line == line.rstrip() for line in lines[:-1])


def test_unknown_names_and_missing_docstrings_are_left_alone():
    @fill_doc
    def f():
        """Options {"balanced", None} and {not_a_shared_text}."""

    assert f.__doc__ == 'Options {"balanced", None} and {not_a_shared_text}.'

    @fill_doc
    def g():
        pass

    assert g.__doc__ is None
