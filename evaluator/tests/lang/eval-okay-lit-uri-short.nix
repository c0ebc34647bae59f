[ a:b mailto:foo@example.org ]
