# actbench figure "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than ReLU": 3 panels
#   panel 1: "cost of f and f' per element, median of repeats"
#   panel 2: "a whole training step over relu's, SLEEF's vector maths"
#   panel 3: "a whole training step over relu's, glibc's scalar maths"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/06-exp-cost.gp
# (writes plots/06-exp-cost.png)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "ns per element (f + f'), math=libc"
$d1 << EOD
1 0.312116622
2 0.20704651
3 3.46926594
4 20.1630116
5 13.7885246
6 19.3334599
7 20.7744856
8 3.78966331
9 18.1676655
10 13.5635977
11 36.4263039
EOD
# panel 1, "ns per element (f + f'), math=sleef"
$d2 << EOD
1 0.373415946
2 0.214878082
3 0.556202888
4 1.3585043
5 1.68137646
6 2.89169788
7 1.87824154
8 0.880535126
9 1.7466774
10 1.64371681
11 3.38042164
EOD
# panel 2, "relu"
$d3 << EOD
64 1
256 1
1024 1
EOD
# panel 2, "leaky_relu"
$d4 << EOD
64 1.00382047
256 1.00457461
1024 1.0053028
EOD
# panel 2, "sigmoid"
$d5 << EOD
64 1.0684236
256 1.03189036
1024 1.01860368
EOD
# panel 2, "tanh"
$d6 << EOD
64 1.21736152
256 1.08916834
1024 1.01137341
EOD
# panel 2, "elu"
$d7 << EOD
64 1.29147508
256 1.10283803
1024 1.024727
EOD
# panel 2, "gelu"
$d8 << EOD
64 1.48909526
256 1.1440869
1024 1.02507004
EOD
# panel 2, "gelu_tanh"
$d9 << EOD
64 1.25171754
256 1.077404
1024 1.03059125
EOD
# panel 2, "silu"
$d10 << EOD
64 1.0932281
256 1.01067106
1024 0.999343729
EOD
# panel 2, "softplus"
$d11 << EOD
64 1.27543945
256 1.08601547
1024 1.02263208
EOD
# panel 2, "selu"
$d12 << EOD
64 1.27747907
256 1.10959509
1024 1.00763908
EOD
# panel 2, "mish"
$d13 << EOD
64 1.51204824
256 1.17755323
1024 1.04304415
EOD
# panel 3, "relu"
$d14 << EOD
64 1
256 1
1024 1
EOD
# panel 3, "leaky_relu"
$d15 << EOD
64 1.01109874
256 1.00629938
1024 0.995124941
EOD
# panel 3, "sigmoid"
$d16 << EOD
64 1.59727156
256 1.19164764
1024 1.04365318
EOD
# panel 3, "tanh"
$d17 << EOD
64 3.74016794
256 1.84517629
1024 1.17566167
EOD
# panel 3, "elu"
$d18 << EOD
64 3.12576928
256 1.70245981
1024 1.15857392
EOD
# panel 3, "gelu"
$d19 << EOD
64 2.47321184
256 1.48579191
1024 1.11506151
EOD
# panel 3, "gelu_tanh"
$d20 << EOD
64 3.41071428
256 1.79870508
1024 1.18721957
EOD
# panel 3, "silu"
$d21 << EOD
64 1.629884
256 1.20009339
1024 1.03274297
EOD
# panel 3, "softplus"
$d22 << EOD
64 4.07048064
256 2.03310032
1024 1.22306749
EOD
# panel 3, "selu"
$d23 << EOD
64 3.27045631
256 1.7532183
1024 1.14911384
EOD
# panel 3, "mish"
$d24 << EOD
64 7.74856824
256 3.24683108
1024 1.51695898
EOD

set terminal pngcairo size 1280,1140 enhanced font "sans,10"
set output 'plots/06-exp-cost.png'
set multiplot layout 2,2 title "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than ReLU" noenhanced font ",12"

# ---- panel 1: "cost of f and f' per element, median of repeats"
set title "cost of f and f' per element, median of repeats" noenhanced
set xlabel "activation" noenhanced
set ylabel "ns per element (f + f')" noenhanced
set grid
unset label
set bmargin 11.56
set xtics rotate by 90 right noenhanced ("relu" 1, "leaky_relu" 2, "sigmoid" 3, "tanh" 4, "elu" 5, "gelu" 6, "gelu_tanh" 7, "silu" 8, "softplus" 9, "selu" 10, "mish" 11)
set xrange [0.5:11.5]
set offsets 0, 0, 0, 0
unset logscale x
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:2 with points lc rgb "#1f77b4" pt 7 ps 1.2 title "ns per element (f + f'), math=libc" noenhanced, \
     $d2 using 1:2 with points lc rgb "#ff7f0e" pt 5 ps 1.2 title "ns per element (f + f'), math=sleef" noenhanced

# ---- panel 2: "a whole training step over relu's, SLEEF's vector maths"
set title "a whole training step over relu's, SLEEF's vector maths" noenhanced
set xlabel "width (units per layer)" noenhanced
set ylabel "training step time / relu's" noenhanced
set grid
unset label
set bmargin 11.56
set xtics norotate autojustify enhanced
set autoscale x
set xtics autofreq
set format x "% h"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 3 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "leaky_relu" noenhanced, \
     $d5 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid" noenhanced, \
     $d6 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "tanh" noenhanced, \
     $d7 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "elu" noenhanced, \
     $d8 using 1:2 with linespoints lc rgb "#8c564b" lw 1.5 dt 1 pt 15 ps 0.8 title "gelu" noenhanced, \
     $d9 using 1:2 with linespoints lc rgb "#e377c2" lw 1.5 dt 1 pt 7 ps 0.8 title "gelu_tanh" noenhanced, \
     $d10 using 1:2 with linespoints lc rgb "#17becf" lw 1.5 dt 1 pt 5 ps 0.8 title "silu" noenhanced, \
     $d11 using 1:2 with linespoints lc rgb "#bcbd22" lw 1.5 dt 1 pt 9 ps 0.8 title "softplus" noenhanced, \
     $d12 using 1:2 with linespoints lc rgb "#000000" lw 1.5 dt 1 pt 11 ps 0.8 title "selu" noenhanced, \
     $d13 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 4 pt 13 ps 0.8 title "mish" noenhanced

# ---- panel 3: "a whole training step over relu's, glibc's scalar maths"
set title "a whole training step over relu's, glibc's scalar maths" noenhanced
set xlabel "width (units per layer)" noenhanced
set ylabel "training step time / relu's" noenhanced
set grid
unset label
set bmargin 7.10
set xtics autofreq
set format x "% h"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 3 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d14 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d15 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "leaky_relu" noenhanced, \
     $d16 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid" noenhanced, \
     $d17 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "tanh" noenhanced, \
     $d18 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "elu" noenhanced, \
     $d19 using 1:2 with linespoints lc rgb "#8c564b" lw 1.5 dt 1 pt 15 ps 0.8 title "gelu" noenhanced, \
     $d20 using 1:2 with linespoints lc rgb "#e377c2" lw 1.5 dt 1 pt 7 ps 0.8 title "gelu_tanh" noenhanced, \
     $d21 using 1:2 with linespoints lc rgb "#17becf" lw 1.5 dt 1 pt 5 ps 0.8 title "silu" noenhanced, \
     $d22 using 1:2 with linespoints lc rgb "#bcbd22" lw 1.5 dt 1 pt 9 ps 0.8 title "softplus" noenhanced, \
     $d23 using 1:2 with linespoints lc rgb "#000000" lw 1.5 dt 1 pt 11 ps 0.8 title "selu" noenhanced, \
     $d24 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 4 pt 13 ps 0.8 title "mish" noenhanced

unset multiplot
unset output
