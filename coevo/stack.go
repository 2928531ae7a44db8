package coevo

import (
	"fmt"
	"strings"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
)

// Runs, judges and policies are stacked on a leading axis s so that one
// graph execution advances many of them. For a run's numbers not to depend
// on what else is in its stack, every stacked matrix product must sum in the
// same order whatever the stack's size. The pure-Go backend picks its
// matrix kernel from the size of the whole batched product: below
// smallKernelFlops multiply-adds it uses a kernel that multiplies each
// matrix of the batch on its own, above it a blocked kernel that sums in
// another order. stackEinsum therefore cuts a stacked product into chunks of
// the stack that stay below that size, so that a matrix gets the same
// kernel, and the same bits, alone or among 85 others. A product whose single
// matrix is already above the size always gets the blocked kernel, which
// works matrix by matrix too.
const smallKernelFlops = 4 << 20

// stackEinsum is Einsum for an equation whose operands and output all lead
// with the stack axis s (like "snh,shg->sng"), computed in chunks of the
// stack small enough for the backend's per-matrix kernel (see
// smallKernelFlops). Gradients flow through the chunks as through Einsum.
func stackEinsum(equation string, lhs, rhs *Node) *Node {
	perMatrix := stackedMatrixFlops(equation, lhs, rhs)
	S := lhs.Shape().Dim(0)
	chunk := S
	if perMatrix < smallKernelFlops {
		chunk = max(1, (smallKernelFlops-1)/perMatrix)
	}
	if S <= chunk {
		return Einsum(equation, lhs, rhs)
	}
	var parts []*Node
	for start := 0; start < S; start += chunk {
		end := min(start+chunk, S)
		parts = append(parts, Einsum(equation, SliceAxis(lhs, 0, AxisRange(start, end)), SliceAxis(rhs, 0, AxisRange(start, end))))
	}
	return Concatenate(parts, 0)
}

// stackedMatrixFlops is the number of multiply-adds of one matrix of the
// stack: the product of the sizes of every axis other than s.
func stackedMatrixFlops(equation string, lhs, rhs *Node) int {
	inputs, _, ok := strings.Cut(equation, "->")
	a, b, ok2 := strings.Cut(inputs, ",")
	if !ok || !ok2 || !strings.HasPrefix(a, "s") || !strings.HasPrefix(b, "s") {
		// A programming error in this package, not a user input.
		panic(fmt.Sprintf("stackEinsum: equation %q must be \"s…,s…->s…\"", equation))
	}
	size := map[rune]int{}
	for i, axis := range a {
		size[axis] = lhs.Shape().Dim(i)
	}
	for i, axis := range b {
		size[axis] = rhs.Shape().Dim(i)
	}
	flops := 1
	for axis, n := range size {
		if axis != 's' {
			flops *= n
		}
	}
	return flops
}
