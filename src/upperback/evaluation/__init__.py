"""Tools to measure the analysis: controlled fault injection into real pose tracks."""
