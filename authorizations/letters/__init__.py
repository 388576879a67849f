"""Letters and notices: rendering determination letters (WeasyPrint), the
taglines, issuing and storing letters, email notices."""
