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
1 0.177791596
2 0.140179634
3 1.81916904
4 14.7325163
5 9.61955261
6 14.5265007
7 15.5166912
8 1.86707687
9 14.0548925
10 9.63792896
11 27.6307058
EOD
# panel 1, "ns per element (f + f'), math=sleef"
$d2 << EOD
1 0.212662697
2 0.145030975
3 0.373062134
4 1.20828724
5 1.30312824
6 2.06573772
7 1.29731178
8 0.445028305
9 1.11595726
10 1.30374908
11 2.35752964
EOD
# panel 2, "relu"
$d3 << EOD
64 1
256 1
1024 1
EOD
# panel 2, "leaky_relu"
$d4 << EOD
64 0.987397136
256 0.997165218
1024 1.00813381
EOD
# panel 2, "sigmoid"
$d5 << EOD
64 1.07306963
256 1.02057547
1024 0.991135959
EOD
# panel 2, "tanh"
$d6 << EOD
64 1.19364454
256 1.07786889
1024 1.02516823
EOD
# panel 2, "elu"
$d7 << EOD
64 1.27376694
256 1.07148636
1024 0.986094006
EOD
# panel 2, "gelu"
$d8 << EOD
64 1.44213294
256 1.13748909
1024 1.0153523
EOD
# panel 2, "gelu_tanh"
$d9 << EOD
64 1.2133135
256 1.08935881
1024 0.996856795
EOD
# panel 2, "silu"
$d10 << EOD
64 1.07068194
256 1.01893823
1024 0.976895868
EOD
# panel 2, "softplus"
$d11 << EOD
64 1.26147754
256 1.08586962
1024 0.987635109
EOD
# panel 2, "selu"
$d12 << EOD
64 1.26714608
256 1.07820122
1024 0.999382203
EOD
# panel 2, "mish"
$d13 << EOD
64 1.49544911
256 1.14703336
1024 1.01406865
EOD
# panel 3, "relu"
$d14 << EOD
64 1
256 1
1024 1
EOD
# panel 3, "leaky_relu"
$d15 << EOD
64 0.99477766
256 1.01067918
1024 0.97984707
EOD
# panel 3, "sigmoid"
$d16 << EOD
64 1.63740464
256 1.12421856
1024 0.999441608
EOD
# panel 3, "tanh"
$d17 << EOD
64 3.70185141
256 1.63380573
1024 1.12850877
EOD
# panel 3, "elu"
$d18 << EOD
64 3.21147805
256 1.50333248
1024 1.1283082
EOD
# panel 3, "gelu"
$d19 << EOD
64 2.55815169
256 1.31991928
1024 1.04061078
EOD
# panel 3, "gelu_tanh"
$d20 << EOD
64 3.41615431
256 1.55481145
1024 1.13606561
EOD
# panel 3, "silu"
$d21 << EOD
64 1.64874252
256 1.13046861
1024 1.03106073
EOD
# panel 3, "softplus"
$d22 << EOD
64 4.17002371
256 1.68482947
1024 1.17830919
EOD
# panel 3, "selu"
$d23 << EOD
64 3.34775297
256 1.57102155
1024 1.17865587
EOD
# panel 3, "mish"
$d24 << EOD
64 7.73631725
256 2.53298955
1024 1.40501798
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
