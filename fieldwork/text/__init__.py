"""Words and numbers as people read and type them: locale and formatting filters (i18n), labels of
stored codes, Colombian numbers, accent-blind name search, marshmallow's Spanish messages, and the
repair of text a database cannot store."""
