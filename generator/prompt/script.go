package prompt

import (
	"fmt"
	"strconv"
)

// Script is a Prompter that answers from a script, for tests. Each answer
// is consumed by the question with the same key; a question without an
// answer takes its default. Asked records every question in order.
type Script struct {
	Answers map[string]string
	Asked   []Question
}

func (s *Script) answer(q Question) (string, error) {
	s.Asked = append(s.Asked, q)
	v, ok := s.Answers[q.Key]
	if !ok {
		v = q.Default
	}
	if q.Validate != nil {
		if err := q.Validate(v); err != nil {
			return "", fmt.Errorf("scripted answer for %s: %w", q.Key, err)
		}
	}
	return v, nil
}

// Input answers from the script.
func (s *Script) Input(q Question) (string, error) { return s.answer(q) }

// Select answers from the script; the answer must be one of the options.
func (s *Script) Select(q Question) (string, error) {
	v, err := s.answer(q)
	if err != nil {
		return "", err
	}
	for _, o := range q.Options {
		if o == v {
			return v, nil
		}
	}
	return "", fmt.Errorf("scripted answer %q for %s is not among the options %v", v, q.Key, q.Options)
}

// Confirm answers from the script.
func (s *Script) Confirm(q Question) (bool, error) {
	v, err := s.answer(q)
	if err != nil {
		return false, err
	}
	return strconv.ParseBool(v)
}
