# actbench figure "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than ReLU": 1 panel
#   panel 1: "cost of f and f' per element, median of repeats"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/06-exp-cost.gp
# (writes plots/06-exp-cost.png)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "ns per element (f + f')"
$d1 << EOD
1 0.706825256
2 5.77104378
3 4.26449013
4 20.9681387
5 17.1435356
6 34.7194042
7 45.7950439
8 7.43725109
9 26.5090342
10 17.261013
11 95.5121107
EOD

set terminal pngcairo size 640,608 enhanced font "sans,10"
set output 'plots/06-exp-cost.png'
set multiplot layout 1,1 title "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than\nReLU" noenhanced font ",12"

# ---- panel 1: "cost of f and f' per element, median of repeats"
set title "cost of f and f' per element, median of repeats" noenhanced
set xlabel "activation" noenhanced
set ylabel "ns per element (f + f')" noenhanced
set grid
unset label
set bmargin 9.36
set xtics rotate by 90 right noenhanced ("relu" 1, "leaky_relu" 2, "sigmoid" 3, "tanh" 4, "elu" 5, "gelu" 6, "gelu_tanh" 7, "silu" 8, "softplus" 9, "selu" 10, "mish" 11)
set xrange [0.5:11.5]
set offsets 0, 0, 0, 0
unset logscale x
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:2 with points lc rgb "#1f77b4" pt 7 ps 1.2 title "ns per element (f + f')" noenhanced

unset multiplot
unset output
