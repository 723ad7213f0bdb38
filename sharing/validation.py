from casework.validation import validate_choice_list  # noqa: F401 (re-exported)
