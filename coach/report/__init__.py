"""Progress reports a user can take away: the chart and the PDF."""
