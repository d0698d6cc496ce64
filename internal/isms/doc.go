// Package isms holds the domain of the information security management
// system: organisations, people and their roles, and the kinds of error the
// rest of the program speaks in. It depends on nothing but the standard
// library so that every other package can depend on it.
package isms
