"""Questions, quizzes, attempts, study and cohorts arrive with the quiz issues."""
