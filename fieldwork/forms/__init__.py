"""The programme's own questions: XLSForm versions, their expressions, and the answers visits carry."""
