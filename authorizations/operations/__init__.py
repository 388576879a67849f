"""Operations staff: metrics, outcomes, the operations page and its group."""
